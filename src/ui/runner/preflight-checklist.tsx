import { Box, Text } from 'ink';
import React from 'react';
import { CHECK_MARKS } from '../../runner/format.js';
import type { CheckStatus, PreflightReport } from '../../runner/preflight.js';
import { Styled, useTheme, type ThemeRole } from '../theme.js';

const STATUS_ROLES: Record<CheckStatus, ThemeRole> = {
  pass: 'success',
  warn: 'warning',
  fail: 'error',
  skip: 'muted',
};

/** Renders the preflight report as a checklist: a glyph and a word per check, its detail, and the next step when it did not pass. */
export function PreflightChecklist({ report }: { report: PreflightReport }): React.JSX.Element {
  const theme = useTheme();
  const where = report.host ? `${report.target} (${report.host})` : report.target;
  return (
    <Box flexDirection="column">
      <Styled role="heading">{`Preflight on ${where}`}</Styled>
      {report.checks.map((check) => {
        const mark = CHECK_MARKS[check.status];
        return (
          <Box key={check.id} flexDirection="column">
            <Text>
              <Styled role={STATUS_ROLES[check.status]}>{`${mark.glyph} ${mark.word.padEnd(8)}`}</Styled>
              <Text>{` ${check.label}`}</Text>
            </Text>
            <Box flexDirection="column" paddingLeft={11}>
              {check.detail.split('\n').map((line, index) => (
                <Text key={index}>{line}</Text>
              ))}
              {check.fix && check.status !== 'pass' ? <Text {...theme.roles.accent}>{`Next: ${check.fix}`}</Text> : null}
            </Box>
          </Box>
        );
      })}
      {report.ok ? (
        <Styled role="success">✓ All required checks passed.</Styled>
      ) : (
        <Styled role="error">✗ A required check failed.</Styled>
      )}
    </Box>
  );
}
