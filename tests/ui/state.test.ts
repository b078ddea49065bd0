import { describe, expect, test } from 'vitest';
import { appReducer, currentScreen, initialState, type AppAction, type AppState } from '../../src/ui/state.js';

const home = { kind: 'home' } as const;
const reader02 = { kind: 'reader', lessonId: '02' } as const;
const reader03 = { kind: 'reader', lessonId: '03' } as const;

function run(actions: AppAction[], state: AppState = initialState()): AppState {
  return actions.reduce(appReducer, state);
}

describe('appReducer', () => {
  const cases: Array<{ name: string; start?: AppState; actions: AppAction[]; stack: unknown[]; help: boolean }> = [
    { name: 'starts at home', actions: [], stack: [home], help: false },
    { name: 'open pushes', actions: [{ type: 'open', screen: reader02 }], stack: [home, reader02], help: false },
    { name: 'back pops', actions: [{ type: 'open', screen: reader02 }, { type: 'back' }], stack: [home], help: false },
    { name: 'back stops at home', actions: [{ type: 'back' }, { type: 'back' }], stack: [home], help: false },
    {
      name: 'replace swaps top',
      actions: [{ type: 'open', screen: reader02 }, { type: 'replace', screen: reader03 }],
      stack: [home, reader03],
      help: false,
    },
    {
      name: 'back returns to caller',
      actions: [
        { type: 'open', screen: reader02 },
        { type: 'open', screen: { kind: 'reader', lessonId: '04', sectionId: 'lora' } },
        { type: 'back' },
      ],
      stack: [home, reader02],
      help: false,
    },
    { name: 'help toggles', actions: [{ type: 'toggleHelp' }], stack: [home], help: true },
    { name: 'help toggles off', actions: [{ type: 'toggleHelp' }, { type: 'toggleHelp' }], stack: [home], help: false },
    {
      name: 'back closes help first',
      actions: [{ type: 'open', screen: reader02 }, { type: 'toggleHelp' }, { type: 'back' }],
      stack: [home, reader02],
      help: false,
    },
    { name: 'open closes help', actions: [{ type: 'toggleHelp' }, { type: 'open', screen: reader02 }], stack: [home, reader02], help: false },
    {
      name: 'home clears the stack',
      actions: [{ type: 'open', screen: reader02 }, { type: 'open', screen: reader03 }, { type: 'home' }],
      stack: [home],
      help: false,
    },
    { name: 'initial reader sits on home', start: initialState(reader02), actions: [{ type: 'back' }], stack: [home], help: false },
  ];

  for (const { name, start, actions, stack, help } of cases) {
    test(name, () => {
      const state = run(actions, start);
      expect(state.stack).toEqual(stack);
      expect(state.helpOpen).toBe(help);
    });
  }

  test('current screen is the top', () => {
    expect(currentScreen(run([{ type: 'open', screen: reader03 }]))).toEqual(reader03);
    expect(currentScreen(initialState())).toEqual(home);
  });

  test('unknown action throws', () => {
    expect(() => appReducer(initialState(), { type: 'fly' } as unknown as AppAction)).toThrow(/Unknown app action/);
  });
});
