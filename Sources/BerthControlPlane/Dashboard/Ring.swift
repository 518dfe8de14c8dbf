/// A fixed number of the latest elements: appending past `capacity` overwrites the oldest, so
/// memory stays bounded however long the server runs.
struct Ring<Element: Sendable>: Sendable {
    let capacity: Int
    private var storage: [Element] = []
    /// Where the next element goes once `storage` is full (the oldest element's index).
    private var head = 0

    init(capacity: Int) {
        precondition(capacity > 0, "A ring holds at least one element.")
        self.capacity = capacity
    }

    var count: Int { storage.count }

    /// The elements, oldest first.
    var elements: [Element] {
        guard storage.count == capacity, head > 0 else { return storage }
        return Array(storage[head...] + storage[..<head])
    }

    var last: Element? {
        guard !storage.isEmpty else { return nil }
        return storage.count < capacity ? storage.last : storage[(head + capacity - 1) % capacity]
    }

    mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }
}
