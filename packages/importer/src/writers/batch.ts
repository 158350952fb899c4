/** A validated row waiting for its batch to be written, with the line to blame if the database refuses it. */
export interface Pending<T> {
  line: number;
  value: T;
}
