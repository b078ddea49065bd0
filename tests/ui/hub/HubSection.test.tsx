import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { hubPreflightSection } from '../../../src/hub/doctor.js';
import { HubSection } from '../../../src/ui/hub/HubSection.js';
import { buildReport, medgemma } from '../../hub/report-builder.js';

describe('HubSection', () => {
  it('renders the section lines', () => {
    const section = hubPreflightSection(buildReport({ repos: [medgemma({ access: 'fine-grained' })] }));
    const { lastFrame } = render(<HubSection section={section} />);
    const frame = lastFrame() ?? '';

    expect(frame).toContain('Hugging Face ✗ error');
    expect(frame).toContain('  ✓ Token hf_…wxyz from HF_TOKEN environment variable');
    expect(frame).toContain('  ✗ google/medgemma-1.5-4b-it: token lacks gated read access');
    // Long fix lines wrap inside the box; joined again they carry the exact permission name.
    expect(frame.replace(/\s+/g, ' ')).toContain("enable 'Read access to contents of all public gated repos you can access'");
  });

  it('renders an ok status', () => {
    const section = hubPreflightSection(buildReport());
    const { lastFrame } = render(<HubSection section={section} />);

    expect(lastFrame()).toContain('Hugging Face ✓ ok');
  });

});
