import { Chalk } from 'chalk';

/** Semantic roles; a colour never carries meaning alone, so every status also has a glyph and a word. */
export const THEME_ROLES = [
  'title',
  'heading',
  'accent',
  'muted',
  'key',
  'code',
  'success',
  'warning',
  'error',
  'border',
] as const;
export type ThemeRole = (typeof THEME_ROLES)[number];

/** Ink `<Text>` props for one role. */
export interface RoleStyle {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface Theme {
  name: 'color' | 'plain';
  roles: Record<ThemeRole, RoleStyle>;
  /** Applies a role to a string, for text rendered outside Ink components (lesson markdown, plain output). */
  paint: (role: ThemeRole, text: string) => string;
}

const COLOR_ROLES: Record<ThemeRole, RoleStyle> = {
  title: { color: 'magenta', bold: true },
  heading: { color: 'green', bold: true },
  accent: { color: 'cyan' },
  muted: { dimColor: true },
  key: { color: 'cyan', bold: true },
  code: { color: 'yellow' },
  success: { color: 'green' },
  warning: { color: 'yellow' },
  error: { color: 'red', bold: true },
  border: { color: 'gray' },
};

const PLAIN_ROLES: Record<ThemeRole, RoleStyle> = Object.fromEntries(THEME_ROLES.map((role) => [role, {}])) as Record<
  ThemeRole,
  RoleStyle
>;

/** Returns the colour theme, or the plain theme that emits no escape codes at all. */
export function createTheme(color: boolean): Theme {
  if (!color) {
    return { name: 'plain', roles: PLAIN_ROLES, paint: (_role, text) => text };
  }

  // Level 1 (16 colours) is enough for these roles and works on every colour terminal.
  const chalk = new Chalk({ level: 1 });
  const paint = (role: ThemeRole, text: string): string => {
    const style = COLOR_ROLES[role];
    let painter = chalk;
    if (style.color) {
      painter = painter[style.color as 'cyan'];
    }
    if (style.bold) {
      painter = painter.bold;
    }
    if (style.dimColor) {
      painter = painter.dim;
    }
    if (style.italic) {
      painter = painter.italic;
    }
    if (style.underline) {
      painter = painter.underline;
    }
    return painter(text);
  };
  return { name: 'color', roles: COLOR_ROLES, paint };
}
