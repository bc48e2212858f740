// Settings the render feature takes from the service's validated config.
export const RENDER_SETTINGS = Symbol('postline.render.settings');

export interface RenderFeatureSettings {
  /** Consumer group reading mail.render.v1. */
  consumerGroup: string;
  /** Compiled template versions kept in memory. */
  templateCacheSize: number;
  /** Upper bound on each rendered part (subject, html, text), in bytes. */
  maxPartBytes: number;
}
