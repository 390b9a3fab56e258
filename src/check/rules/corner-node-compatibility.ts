/**
 * Rule (language.md §5): a library's corners must suit its node — voltage within the node's
 * `vdd` (LCP3009), temperature within its `temperature` range (LCP3010), process among its
 * `processes` (LCP3011), RC corner among its `rc_corners` (LCP3012).
 */
import { didYouMean } from '../../diagnostics/suggest.js';
import { formatVoltage } from '../units.js';
import type { Rule } from './rule.js';

const EPSILON = 1e-9;

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
            secondary: [
              { span: build.fieldSpans.voltage, message: 'voltage set here' },
              ...(node.vddSpan ? [{ span: node.vddSpan, message: `node \`${n.name}\` allows this range` }] : []),
            ],
          });
        }
        if (n.temperature && (corner.temperature < n.temperature.low - EPSILON || corner.temperature > n.temperature.high + EPSILON)) {
          ctx.report('LCP3010', choice.span, `corner \`${corner.name}\` of ${where} is at ${corner.temperature} °C, outside node \`${n.name}\`'s temperature range`, {
            label: `${corner.temperature} °C is not in ${n.temperature.low} °C .. ${n.temperature.high} °C`,
            secondary: [
              { span: build.fieldSpans.temperature, message: 'temperature set here' },
              ...(node.temperatureSpan ? [{ span: node.temperatureSpan, message: `node \`${n.name}\` allows this range` }] : []),
            ],
          });
        }
        if (!n.processes.includes(corner.process)) {
          const hint = didYouMean(corner.process, n.processes);
          ctx.report('LCP3011', choice.span, `corner \`${corner.name}\` of ${where} uses process \`${corner.process}\`, which node \`${n.name}\` does not offer`, {
            label: `process \`${corner.process}\``,
            secondary: [
              { span: build.fieldSpans.process, message: 'process set here' },
              ...(node.processesSpan ? [{ span: node.processesSpan, message: `node \`${n.name}\` offers these` }] : []),
            ],
            ...(hint ? { help: hint } : { help: `add \`${corner.process}\` to the node's \`processes\` or drop the corner` }),
          });
        }
        if (n.rcCorners && corner.rc !== undefined && !n.rcCorners.includes(corner.rc)) {
          ctx.report('LCP3012', choice.span, `corner \`${corner.name}\` of ${where} uses RC corner \`${corner.rc}\`, which node \`${n.name}\` does not offer`, {
            label: `RC corner \`${corner.rc}\``,
            secondary: [
              { span: build.fieldSpans.rc, message: 'RC corner set here' },
              ...(node.rcCornersSpan ? [{ span: node.rcCornersSpan, message: `node \`${n.name}\` offers these` }] : []),
            ],
            help: `add \`${corner.rc}\` to the node's \`rc_corners\` or drop the corner`,
          });
        }
      }
    }
  },
};
