import { Text, type TextProps } from 'ink';
import React from 'react';
import { useTerminalSize } from './use-terminal-size.js';
import { wrapLine } from '../util/width.js';

/**
 * Text wrapped at word boundaries to the terminal width less `indent` columns. Ink's own wrapping keeps the
 * space at each break (wrap-ansi with `trim: false`, Ink 6.8), so continuation lines would start with a space.
 */
export function WrappedText({ text, indent = 0, ...props }: TextProps & { text: string; indent?: number }): React.JSX.Element {
  const { columns } = useTerminalSize();
  // One column stays free so that a full line never makes the terminal wrap by itself.
  const width = Math.max(10, columns - indent - 1);
  return <Text {...props}>{text.split('\n').flatMap((line) => wrapLine(line, width)).join('\n')}</Text>;
}
