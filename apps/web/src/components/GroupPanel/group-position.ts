/** Where a form puts a group's cursor: after the newest entry, before the first, or after an ID typed in. */
export type PositionChoice = '$' | '0-0' | 'id';

/** The position a command takes (`$`, `0-0` or the ID as typed, trimmed), for the server to check. */
export function positionOf(choice: PositionChoice, typedId: string): string {
  return choice === 'id' ? typedId.trim() : choice;
}
