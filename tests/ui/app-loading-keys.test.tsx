import React from 'react';
import { afterEach, expect, test } from 'vitest';
import { loadCourse } from '../../src/lessons/load.js';
import { ProgressStore } from '../../src/progress/store.js';
import { App } from '../../src/ui/app.js';
import { createTheme } from '../../src/util/theme.js';
import { renderWithSize, tempConfigDir } from './harness.js';

// In a file of its own, so that the reader module is not loaded yet when the test starts.
const config = tempConfigDir();

afterEach(() => {
  config.cleanup();
});

test('key pressed while a lesson loads reaches it', async () => {
  const store = ProgressStore.open({ cwd: config.dir });
  const harness = renderWithSize(
    <App course={loadCourse()} store={store} theme={createTheme(false)} initialScreen={{ kind: 'reader', lessonId: '04' }} />,
    80,
    24,
  );
  await harness.waitFor((text) => text.includes('Opening lesson 04'), 'the loading screen');

  await harness.press('h');
  const frame = await harness.waitFor((text) => text.includes('Hands-on: Fine-tune with QLoRA'), 'the hands-on panel');

  expect(frame).toContain('Time: about 15 min');
  harness.instance.unmount();
});
