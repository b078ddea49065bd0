import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { DEFAULT_COLUMNS, DEFAULT_ROWS } from '../util/mode.js';
import { usableColumns } from '../util/width.js';

export interface TerminalSize {
  columns: number;
  rows: number;
}

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
  const columns = stdout.columns > 0 ? stdout.columns : DEFAULT_COLUMNS;
  const rows = stdout.rows > 0 ? stdout.rows : DEFAULT_ROWS;
  return { columns: usableColumns(columns), rows: Math.max(8, rows) };
}

/** Columns and rows of Ink's stdout, updated on every 'resize' event (Ink 6 has no window-size hook). */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));

  useEffect(() => {
    const onResize = (): void => {
      setSize(readSize(stdout));
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  return size;
}
