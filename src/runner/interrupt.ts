/**
 * Ctrl-C while following a run: it detaches the view and the run goes on, so no other SIGINT handler may end
 * the process meanwhile.
 */

type SignalListener = (...args: unknown[]) => void;

/**
 * Calls `onInterrupt` on SIGINT until the returned function is called, with every other SIGINT listener set
 * aside meanwhile and put back afterwards.
 *
 * The other listeners are set aside because they end the process: conf's atomic writes (through when-exit
 * 2.1) re-raise SIGINT after their cleanup, and execa's child cleanup (through signal-exit 4.1) kills the
 * process once it finds no listener but its own. Both together made a followed run exit 130 on Ctrl-C.
 */
export function takeInterrupt(onInterrupt: () => void): () => void {
  const setAside = process.rawListeners('SIGINT') as SignalListener[];
  for (const listener of setAside) {
    process.removeListener('SIGINT', listener);
  }
  const listener = (): void => onInterrupt();
  process.on('SIGINT', listener);

  return () => {
    process.removeListener('SIGINT', listener);
    // A listener that its owner added again meanwhile (signal-exit re-adds its own on the next child) stays single.
    const present = new Set(process.rawListeners('SIGINT'));
    for (const previous of setAside) {
      if (!present.has(previous)) {
        process.on('SIGINT', previous);
      }
    }
  };
}
