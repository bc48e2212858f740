// Settings the render feature takes from the service's validated config.
import type { ComplianceSettings } from '@postline/render/domain';

export const RENDER_SETTINGS = Symbol('postline.render.settings');

export interface RenderFeatureSettings {
  /** Consumer group reading mail.render.v1. */
  consumerGroup: string;
  /** Compiled template versions kept in memory. */
  templateCacheSize: number;
  /** Upper bound on each rendered part (subject, html, text), in bytes. */
  maxPartBytes: number;
  /** Signing secret, tracking base URL and domains of campaign compliance headers. */
  compliance: ComplianceSettings;
  /**
   * Click and open tracking of campaign mail. A service-wide default because
   * RenderRequest has no per-campaign flag yet (issue 6 asks for one).
   */
  tracking: boolean;
}
