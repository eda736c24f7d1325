/** An out-parameter, as C's `T *`: the callee writes `value`. */
export interface Ref<T> {
  /** The value written by the callee. */
  value: T;
}
