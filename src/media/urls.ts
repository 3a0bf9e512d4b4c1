/** Public URLs of media files. Stored files are content-addressed, so their URLs never change meaning. */
export function mediaUrl(storageKey: string): string {
  return `/media/${storageKey}`;
}

/** A neutral, correctly sized image for figures whose file is not in the library. */
export function placeholderUrl(width: number, height: number): string {
  return `/media/placeholder/${width}x${height}.svg`;
}
