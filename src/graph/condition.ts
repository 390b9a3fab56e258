/**
 * Stage `where` conditions (language.md §7), evaluated per job with the checker's evaluator
 * (`src/check/evaluate.ts`, shared with corner-set filters so both read conditions alike: numbers
 * compare with a 1e-9 relative tolerance, an absent value is unequal to everything).
 *
 * This module supplies the job's field values. A field is absent (undefined) when the job has no
 * such entity (outside the stage's key set), when it is optional and omitted (`corner.rc`,
 * `corner.mc_samples`), or when it is a template (`library.kit`, `library.cells`: not comparable;
 * the checker rejects such conditions).
 */
import type { FieldLookup, FieldValue } from '../check/evaluate.js';
import { cornerField, libraryField } from '../check/fields.js';
import type { CornerModel, FanoutKey, LibraryModel } from '../check/model.js';

/** The entities a job stands for; those outside its key set are undefined. */
export interface JobEntities {
  node?: string;
  library?: LibraryModel;
  /** A corner a library lists without a declaration has only its name. */
  corner?: CornerModel | { readonly name: string };
}

/** Field values of `job`; reads `job` at call time, so one lookup serves a reused object. */
export function jobFieldLookup(job: JobEntities): FieldLookup {
  return (entity: FanoutKey, field: string): FieldValue => {
    switch (entity) {
      case 'node':
        return field === 'name' ? job.node : undefined;
      case 'library':
        return job.library === undefined ? undefined : libraryField(job.library, field);
      case 'corner': {
        const corner = job.corner;
        if (corner === undefined) return undefined;
        return 'process' in corner ? cornerField(corner, field) : field === 'name' ? corner.name : undefined;
      }
    }
  };
}
