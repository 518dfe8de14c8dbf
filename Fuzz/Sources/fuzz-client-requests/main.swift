import BerthFuzzing

FuzzDriver.run { data, size in
    ClientRequestFuzzing.test(FuzzInput(data, size))
    return 0
}
