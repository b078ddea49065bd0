import type { Key } from 'ink';
import React, { createContext, useContext, useLayoutEffect, useRef, type MutableRefObject, type ReactNode } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

type HandlerSlot = MutableRefObject<KeyHandler | undefined>;

const ScreenKeysContext = createContext<HandlerSlot | null>(null);

/** Holds the key handler of the screen shown; App's single input listener forwards keys to it. */
export function ScreenKeysProvider({ slot, children }: { slot: HandlerSlot; children: ReactNode }): React.JSX.Element {
  return <ScreenKeysContext.Provider value={slot}>{children}</ScreenKeysContext.Provider>;
}

/**
 * Registers a screen's key handler while `isActive`. Registration happens in a layout effect, which runs in
 * the same task as the render, so a key typed right after a screen appears reaches it. Ink's own useInput
 * subscribes in a passive effect, which can run after such a key was already dispatched.
 */
export function useScreenKeys(handler: KeyHandler, isActive: boolean): void {
  const slot = useContext(ScreenKeysContext);
  const latest = useRef(handler);

  useLayoutEffect(() => {
    latest.current = handler;
  });

  useLayoutEffect(() => {
    if (!slot || !isActive) {
      return undefined;
    }
    const forward: KeyHandler = (input, key) => latest.current(input, key);
    slot.current = forward;
    return () => {
      if (slot.current === forward) {
        slot.current = undefined;
      }
    };
  }, [slot, isActive]);
}
