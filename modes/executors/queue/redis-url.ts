/** Redis URLs as messages show them: a password in the URL is not printed. */

/**
 * `url` with any password replaced by `***` (`redis://:***@db:6379/0`); a string that is
 * not a URL is shown as is.
 *
 * @example
 * shownUrl('redis://user:secret@db:6379'); // 'redis://user:***@db:6379'
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}
