/**
 * Keeps the last `limit` characters of a growing text without holding all of it, and counts what it
 * let go (ORKESTRA-SPEC §9 item 2: gate output is fed back bounded).
 */
export class TailBuffer {
  private readonly parts: string[] = [];
  private kept = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  append(text: string): void {
    this.parts.push(text);
    this.kept += text.length;
    this.total += text.length;
    while (this.parts.length > 1 && this.kept - (this.parts[0]?.length ?? 0) >= this.limit) {
      this.kept -= this.parts.shift()?.length ?? 0;
    }
  }

  /** The tail, led by a marker line when something was cut. */
  text(): string {
    const all = this.parts.join('');
    if (this.total <= this.limit) return all;
    const tail = all.slice(all.length - this.limit);
    const cut = this.total - tail.length;
    return `[… ${cut} earlier characters of output cut; the last ${tail.length} follow …]\n${tail}`;
  }
}
