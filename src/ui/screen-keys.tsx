import type { Key } from 'ink';
import React, { createContext, useContext, useLayoutEffect, useMemo, useRef, type MutableRefObject, type ReactNode } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

type HandlerSlot = MutableRefObject<KeyHandler | undefined>;

/** Keys held while no screen handler is registered, such as while a lazily loaded screen loads. */
export type PendingKeys = [input: string, key: Key][];

/** Most keys held for a screen that is still loading; older ones are dropped first. */
export const MAX_PENDING_KEYS = 16;

const ScreenKeysContext = createContext<{ slot: HandlerSlot; pending: MutableRefObject<PendingKeys> } | null>(null);

/**
 * Holds the key handler of the screen shown; App's single input listener forwards keys to it, and holds
 * them in `pending` while no handler is registered. A screen replays the held keys when it registers.
 */
export function ScreenKeysProvider({ slot, pending, children }: { slot: HandlerSlot; pending: MutableRefObject<PendingKeys>; children: ReactNode }): React.JSX.Element {
  const value = useMemo(() => ({ slot, pending }), [slot, pending]);
  return <ScreenKeysContext.Provider value={value}>{children}</ScreenKeysContext.Provider>;
}

/**
 * Registers a screen's key handler while `isActive`. Registration happens in a layout effect, which runs in
 * the same task as the render, so a key typed right after a screen appears reaches it. Ink's own useInput
 * subscribes in a passive effect, which can run after such a key was already dispatched.
 */
export function useScreenKeys(handler: KeyHandler, isActive: boolean): void {
  const context = useContext(ScreenKeysContext);
  const latest = useRef(handler);

  useLayoutEffect(() => {
    latest.current = handler;
  });

  useLayoutEffect(() => {
    if (!context || !isActive) {
      return undefined;
    }
    const { slot, pending } = context;
    const forward: KeyHandler = (input, key) => latest.current(input, key);
    slot.current = forward;
    for (const [input, key] of pending.current.splice(0)) {
      forward(input, key);
    }
    return () => {
      if (slot.current === forward) {
        slot.current = undefined;
      }
    };
  }, [context, isActive]);
}
