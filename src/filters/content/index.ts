/** Content filters: answer from the route (status, inline and static content, generated bodies) and (de)compress. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import { compress } from './compress.ts';
import { decompress } from './decompress.ts';
import { inlineContent, inlineContentIfStatus } from './inline-content.ts';
import { randomContent } from './random-content.ts';
import { repeatContent } from './repeat-content.ts';
import { staticFilter } from './static.ts';
import { status } from './status.ts';
import { wrapContent } from './wrap-content.ts';

/** The content family; it needs nothing from the process. */
export function contentFilters(): FilterSpec[] {
  return [status, inlineContent, inlineContentIfStatus, staticFilter, randomContent, repeatContent, wrapContent, compress, decompress];
}
