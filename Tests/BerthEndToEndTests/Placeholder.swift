import Testing

@Test func placeholder_BerthEndToEndTests() {}
