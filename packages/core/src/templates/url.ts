/**
 * Screen-pop URL templates: `https://crm.example.com/orders/{{attributes.orderId}}`.
 * Each placeholder is a dotted path into the task, URL-encoded; unknown paths render empty.
 */
export function renderUrlTemplate(template: string, vars: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_m, path: string) => {
    let v: unknown = vars;
    for (const part of path.split('.')) {
      if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, part)) return '';
      v = (v as Record<string, unknown>)[part];
    }
    return v === null || v === undefined || typeof v === 'object' ? '' : encodeURIComponent(String(v));
  });
}
