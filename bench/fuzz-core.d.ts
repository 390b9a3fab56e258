export interface FuzzInput {
  readonly kind: string;
  readonly root: string;
  readonly files: Record<string, string>;
}
export function rng(seed: number): { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T; chance(p: number): boolean };
export function makeInput(seed: number, index: number): FuzzInput;
export function runOne(input: FuzzInput): string[];
export const OUTPUT_BUDGET_PER_FILE: number;
