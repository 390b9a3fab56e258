/**
 * Where templates come from. The checker resolves the deck a stage names through this host and
 * the back end reads template text through it; the CLI and the language server implement it over
 * the file system (`src/driver/templates.ts`), tests over a map.
 */
export interface TemplateHost {
  /**
   * The key of the deck template a stage names (`liberate/char.tcl.hbs`), or undefined when no
   * such template exists. Names that would leave the template roots (`..`, absolute) are undefined.
   */
  resolveDeck(name: string): string | undefined;
  /** The text of a template by key: a resolved deck, or one of the generated scripts (`sh/…`). */
  text(key: string): string | undefined;
  /** Deck templates that exist, for did-you-mean suggestions. */
  knownDecks(): readonly string[];
  /**
   * Whether a template's text is libcc's own, unmodified (not the site's `--templates DIR`, not
   * next to the pipeline). The analysis renders a generated script as a check only when it is
   * not: libcc's own are rendered by its tests. A host without it has no built-in templates.
   */
  isBuiltIn?(key: string): boolean;
}
