import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { GRADING_RULES } from '../../../src/quiz/rules.js';
import { IntroScreen } from '../../../src/ui/quiz/IntroScreen.js';
import { ThemeProvider } from '../../../src/ui/theme.js';
import { createTheme } from '../../../src/util/theme.js';
import { displayWidth } from '../../../src/util/width.js';
import { renderWithSize, type Harness } from '../../ui/harness.js';

let harness: Harness | undefined;

afterEach(() => {
  harness?.instance.unmount();
  harness = undefined;
});

describe('quiz text at 40 columns', () => {
  it('wraps grading rules at the indent', async () => {
    harness = renderWithSize(
      <ThemeProvider theme={createTheme(false)}>
        <IntroScreen inputSlot={{ current: undefined }} questionCount={60} retake={false} seed={7} answered={0} onBegin={() => undefined} onQuit={() => undefined} />
      </ThemeProvider>,
      40,
      40,
    );
    const frame = await harness.waitFor((text) => text.includes('Grading rules'), 'the rules');
    const ruleLines = frame.split('\n').slice(frame.split('\n').findIndex((line) => line.startsWith('Grading rules')) + 1);
    const body = ruleLines.slice(0, ruleLines.findIndex((line) => line.trim() === ''));

    expect(body.length).toBeGreaterThan(GRADING_RULES.length);
    for (const line of body) {
      expect(line, `line "${line}"`).toMatch(/^(- |  )\S/);
      expect(displayWidth(line)).toBeLessThanOrEqual(40);
    }
  });
});
