import { Text } from 'ink';
import React, { createContext, useContext, type ReactNode } from 'react';
import { createTheme, type Theme, type ThemeRole } from '../util/theme.js';

export type { Theme, ThemeRole } from '../util/theme.js';

const ThemeContext = createContext<Theme>(createTheme(false));

export function ThemeProvider({ theme, children }: { theme: Theme; children: ReactNode }): React.JSX.Element {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** Text in a theme role; with the plain theme it carries no style at all. */
export function Styled({ role, children }: { role: ThemeRole; children: ReactNode }): React.JSX.Element {
  const theme = useTheme();
  return (
    <Text {...theme.roles[role]} wrap="truncate-end">
      {children}
    </Text>
  );
}
