// Buffers add their export lines below.
