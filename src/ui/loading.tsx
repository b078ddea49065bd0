import { Text } from 'ink';
import Spinner from 'ink-spinner';
import React from 'react';
import { useTheme } from './theme.js';

/** A spinner and a label while a screen loads; the plain theme shows the label alone. */
export function Loading({ label }: { label: string }): React.JSX.Element {
  const theme = useTheme();
  if (theme.name === 'plain') {
    return <Text>{`${label}…`}</Text>;
  }
  return (
    <Text {...theme.roles.accent}>
      <Spinner type="dots" /> {label}
    </Text>
  );
}
