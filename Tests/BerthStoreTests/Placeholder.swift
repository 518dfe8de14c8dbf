import Testing

@Test func placeholder_BerthStoreTests() {}
