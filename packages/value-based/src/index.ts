// Algorithms add their export lines below.
