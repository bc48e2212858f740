// Settings the render feature takes from the service's validated config.
import type { ComplianceSettings, MjmlLimits } from '@postline/render/domain';

export const RENDER_SETTINGS = Symbol('postline.render.settings');

export interface RenderFeatureSettings {
  /** Consumer group reading mail.render.v1. */
  consumerGroup: string;
  /** Compiled template versions kept in memory. */
  templateCacheSize: number;
  /** Upper bound on each rendered part (subject, html, text), in bytes. */
  maxPartBytes: number;
  /** Bounds of the save-time MJML compile (source size, time). */
  mjml: MjmlLimits;
  /** Signing secret, tracking base URL and domains of campaign compliance headers. */
  compliance: ComplianceSettings;
  /**
   * Whether campaign mail may be tracked at all (POSTLINE_RENDER_TRACKING): the
   * upper bound of every campaign's choice, and the choice of requests that
   * carry none.
   */
  tracking: boolean;
}
