/**
 * Rule (language.md §5): a library's corners must suit its node — voltage within the node's
 * `vdd` (LCP3009), temperature within its `temperature` range (LCP3010), process among its
 * `processes` (LCP3011), RC corner among its `rc_corners` (LCP3012).
 */
import type { Span } from '../../diagnostics/span.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import type { CornerBuild } from '../corners.js';
import { formatTemperature, formatVoltage } from '../units.js';
import type { Rule } from './rule.js';

const EPSILON = 1e-9;

const FIELD_NAMES = { voltage: 'voltage', temperature: 'temperature', process: 'process', rc: 'RC corner' } as const;

/** Where a corner's field comes from: its own property, or its name when derived from it. */
function fieldLabel(build: CornerBuild, field: keyof typeof FIELD_NAMES): { span: Span; message: string } {
  const span = build.fieldSpans[field];
  const derived = span.start === build.decl.name.span.start && span.end === build.decl.name.span.end && span.file === build.decl.name.span.file;
  return { span, message: derived ? `${FIELD_NAMES[field]} taken from the corner's name` : `${FIELD_NAMES[field]} set here` };
}

export const cornerNodeCompatibility: Rule = {
  name: 'corner-node-compatibility',
  run(ctx, input) {
    for (const library of input.libraries.values()) {
      const nodeName = library.decl.node?.name;
      const node = nodeName === undefined ? undefined : input.nodes.get(nodeName);
      if (node === undefined) continue;
      const n = node.model;
      const where = `library \`${library.decl.name.name}\``;
      for (const choice of library.choices) {
        const build = input.corners.get(choice.name);
        const corner = build?.model;
        if (build === undefined || corner === undefined) continue;
        if (n.vdd && (corner.voltage < n.vdd.low - EPSILON || corner.voltage > n.vdd.high + EPSILON)) {
          ctx.report('LCP3009', choice.span, `corner \`${corner.name}\` of ${where} is at ${formatVoltage(corner.voltage)}, outside node \`${n.name}\`'s vdd range`, {
            label: `${formatVoltage(corner.voltage)} is not in ${formatVoltage(n.vdd.low)} .. ${formatVoltage(n.vdd.high)}`,
            help: `drop the corner from the library, or widen the node's \`vdd\` if its models support ${formatVoltage(corner.voltage)}`,
            secondary: [
              fieldLabel(build, 'voltage'),
              ...(node.vddSpan ? [{ span: node.vddSpan, message: `node \`${n.name}\` allows this range` }] : []),
            ],
          });
        }
        if (n.temperature && (corner.temperature < n.temperature.low - EPSILON || corner.temperature > n.temperature.high + EPSILON)) {
          ctx.report('LCP3010', choice.span, `corner \`${corner.name}\` of ${where} is at ${formatTemperature(corner.temperature)}, outside node \`${n.name}\`'s temperature range`, {
            label: `${formatTemperature(corner.temperature)} is not in ${formatTemperature(n.temperature.low)} .. ${formatTemperature(n.temperature.high)}`,
            help: `drop the corner from the library, or widen the node's \`temperature\` range if its models support ${formatTemperature(corner.temperature)}`,
            secondary: [
              fieldLabel(build, 'temperature'),
              ...(node.temperatureSpan ? [{ span: node.temperatureSpan, message: `node \`${n.name}\` allows this range` }] : []),
            ],
          });
        }
        if (!n.processes.includes(corner.process)) {
          const hint = didYouMean(corner.process, n.processes);
          ctx.report('LCP3011', choice.span, `corner \`${corner.name}\` of ${where} uses process \`${corner.process}\`, which node \`${n.name}\` does not offer`, {
            label: `process \`${corner.process}\``,
            secondary: [
              fieldLabel(build, 'process'),
              ...(node.processesSpan ? [{ span: node.processesSpan, message: `node \`${n.name}\` offers these` }] : []),
            ],
            ...(hint ? { help: hint } : { help: `add \`${corner.process}\` to the node's \`processes\` or drop the corner` }),
          });
        }
        if (n.rcCorners && corner.rc !== undefined && !n.rcCorners.includes(corner.rc)) {
          ctx.report('LCP3012', choice.span, `corner \`${corner.name}\` of ${where} uses RC corner \`${corner.rc}\`, which node \`${n.name}\` does not offer`, {
            label: `RC corner \`${corner.rc}\``,
            secondary: [
              fieldLabel(build, 'rc'),
              ...(node.rcCornersSpan ? [{ span: node.rcCornersSpan, message: `node \`${n.name}\` offers these` }] : []),
            ],
            help: `add \`${corner.rc}\` to the node's \`rc_corners\` or drop the corner`,
          });
        }
      }
    }
  },
};
