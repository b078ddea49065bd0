import { checkHubAccess, type HubCheckOptions } from './check.js';
import { hubSection, type HubSection } from './format.js';
import type { HubReport } from './report.js';

/** The doctor's "Hugging Face" section, with the report it was built from for callers that want details. */
export interface HubDoctorSection extends HubSection {
  report: HubReport;
}

/**
 * Runs the Hub check for `doctor` and returns its section. Never throws for network or Hub failures:
 * an unreachable Hub gives a "warning" section that still shows the token source and mask.
 * Throws `InvalidEndpointError` for an endpoint that is not an http(s) URL.
 */
export async function hubDoctorSection(options: HubCheckOptions = {}): Promise<HubDoctorSection> {
  const report = await checkHubAccess(options);
  return { ...hubSection(report), report };
}

/**
 * Builds the stage preflight screen's "Hugging Face" section from a report that the runner obtained with
 * `checkHubAccess({ stage, freeDiskBytes, serverToken, discovery })`.
 */
export function hubPreflightSection(report: HubReport): HubSection {
  return hubSection(report);
}
