import { Box, Text } from 'ink';
import type { HubSection as HubSectionData, LineTone } from '../../hub/format.js';
import { TONE_GLYPHS, TONE_WORDS } from '../../hub/format.js';
import type { ThemeRole } from '../../util/theme.js';
import { useTheme } from '../theme.js';

const TONE_ROLES: Record<LineTone, ThemeRole> = { ok: 'success', warning: 'warning', error: 'error', info: 'muted' };

export interface HubSectionProps {
  section: HubSectionData;
}

/** Renders the "Hugging Face" block of the stage preflight screen: a titled list with a glyph per line. */
export function HubSection({ section }: HubSectionProps) {
  const theme = useTheme();
  const statusTone: LineTone = section.status;

  return (
    <Box flexDirection="column">
      <Text {...theme.roles.heading}>
        {section.title}{' '}
        <Text {...theme.roles[TONE_ROLES[statusTone]]}>
          {TONE_GLYPHS[statusTone]} {TONE_WORDS[statusTone]}
        </Text>
      </Text>
      {section.lines.map((line, index) =>
        line.depth === 1 ? (
          <Box key={index} paddingLeft={4}>
            <Text {...theme.roles.muted}>{line.text}</Text>
          </Box>
        ) : (
          <Box key={index} paddingLeft={2}>
            <Text {...theme.roles[TONE_ROLES[line.tone]]}>{TONE_GLYPHS[line.tone]} </Text>
            <Text>{line.text}</Text>
          </Box>
        ),
      )}
    </Box>
  );
}
