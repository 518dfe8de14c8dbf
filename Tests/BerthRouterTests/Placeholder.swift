import Testing

@Test func placeholder_BerthRouterTests() {}
