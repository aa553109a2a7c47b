/**
 * Go `http.Header` semantics over the lower-case header bags of the filter contract: Get returns the
 * first value, Set replaces every value, Add appends one more field line. Names are lower-cased by the
 * callers at route-build time, so nothing here lower-cases per request.
 */
/** Lower-case header names, as node:http delivers them. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** The first value of a header, "" when absent (Go's Header.Get). */
export function getFirst(bag: HeaderBag, name: string): string {
  const v = bag[name];
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return v.length > 0 ? v[0]! : '';
}

/** Every value of a header as a list (Go's Header.Values). */
export function getAll(bag: HeaderBag, name: string): string[] {
  const v = bag[name];
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}

/** Replaces all values of a header (Go's Header.Set). */
export function setHeader(bag: HeaderBag, name: string, value: string): void {
  bag[name] = value;
}

/** Appends one value as a separate field line (Go's Header.Add). */
export function addHeader(bag: HeaderBag, name: string, value: string): void {
  const v = bag[name];
  if (v === undefined) bag[name] = value;
  else if (typeof v === 'string') bag[name] = [v, value];
  else bag[name] = [...v, value];
}

/** Replaces a header's values with a list; removes the header when the list is empty. */
export function setAll(bag: HeaderBag, name: string, values: string[]): void {
  if (values.length === 0) delete bag[name];
  else bag[name] = values.length === 1 ? values[0]! : values;
}

/** Removes a header (Go's Header.Del). */
export function deleteHeader(bag: HeaderBag, name: string): void {
  delete bag[name];
}
