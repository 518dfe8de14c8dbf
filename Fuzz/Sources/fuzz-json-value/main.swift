import BerthFuzzing

FuzzDriver.run { data, size in
    ConfigFuzzing.jsonValue(FuzzInput(data, size))
    return 0
}
