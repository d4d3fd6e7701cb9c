// A bounded byte FIFO (ring buffer) for device queues: UART FIFOs, PS/2 output queues.
// Pushing into a full FIFO fails (returns false) so each device decides what hardware does then.
export class ByteFifo {
  buf: StaticArray<u8>;
  head: i32 = 0; // index of the oldest byte
  count: i32 = 0;

  constructor(public capacity: i32) {
    this.buf = new StaticArray<u8>(capacity);
  }

  get length(): i32 { return this.count; }
  isEmpty(): bool { return this.count == 0; }
  isFull(): bool { return this.count >= this.capacity; }
  free(): i32 { return this.capacity - this.count; }

  push(b: u8): bool {
    if (this.count >= this.capacity) return false;
    unchecked(this.buf[(this.head + this.count) % this.capacity] = b);
    this.count++;
    return true;
  }

  // Removes and returns the oldest byte; 0 when empty.
  pop(): u8 {
    if (this.count == 0) return 0;
    const b = unchecked(this.buf[this.head]);
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return b;
  }

  peek(): u8 {
    return this.count == 0 ? 0 : unchecked(this.buf[this.head]);
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
