const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text made safe for HTML and SVG, in content and in quoted attributes. */
export function escapeXml (text: string): string {
  return text.replace(/[&<>"']/g, c => ENTITIES[c])
}
