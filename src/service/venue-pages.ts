/** Reading a venue's cursor-paged listings to their end, bounded. */

/** Pages of venue orders or fills read in one run: a bound on a loop over what the venue says. */
export const venuePagesMax = 100_000;

/** Reads a cursor-paged venue listing to its end, within `venuePagesMax` pages. */
export async function readPages<P extends { cursor: string | null }>(read: (cursor: string | null) => Promise<P>, onPage: (page: P) => void): Promise<void> {
  let cursor: string | null = null;
  for (let pages = 0; pages < venuePagesMax; pages++) {
    const page = await read(cursor);
    onPage(page);
    cursor = page.cursor;
    if (cursor === null) return;
  }
  throw new Error(`the venue listed more than ${venuePagesMax} pages; stopping rather than loop without end`);
}
