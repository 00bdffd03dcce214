/**
 * The name of an id in a configured list (segments, outcomes, action maps, text categories), as
 * configured now; an id no longer configured stays as it is. Looked up in a map built once per list.
 */
export function nameIn<T extends { id: string; name: string }>(list: readonly T[]): (id: string) => string {
  const names = new Map(list.map((x) => [x.id, x.name]));
  return (id) => names.get(id) ?? id;
}
