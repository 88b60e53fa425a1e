"""A handful of official address test vectors, copied with attribution (DESIGN.md §6).

These keep the core checks running when ``../shared/corpora`` is absent. Each block names the
repository and file the strings come from; the strings are the upstream test data verbatim.
"""

from __future__ import annotations

# (address as written, chain, canonical value, script_type)
VALID: list[tuple[str, str, str, str]] = [
    # bitcoin/bips bip-0350.mediawiki, "Test vectors for v0-v16 native segregated witness
    # addresses" (BSD-2-Clause).
    (
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        "btc",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        "p2wpkh",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "btc",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "p2tr",
    ),
    (
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        "btc",
        "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
        "witness_v2",
    ),
    # Bitcoin Core src/test/data/base58_keys_valid.json, via bitcoinjs/bitcoinjs-lib
    # test/fixtures/core/base58_keys_valid.json (MIT).
    ("1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i", "btc", "1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i", "p2pkh"),
    ("3CMNFxN1oHBc4R1EpboAL5yzHGgE611Xou", "btc", "3CMNFxN1oHBc4R1EpboAL5yzHGgE611Xou", "p2sh"),
    # bitcoinjs/bitcoinjs-lib test/fixtures/address.json, network "litecoin" (MIT).
    ("LUxXFcwXFPpRZdMv4aYu6bDwPdC2skQ5YW", "ltc", "LUxXFcwXFPpRZdMv4aYu6bDwPdC2skQ5YW", "p2pkh"),
    ("MCZjFcwYJwwYqXAbd3bbnxaCVGs81cp43Z", "ltc", "MCZjFcwYJwwYqXAbd3bbnxaCVGs81cp43Z", "p2sh"),
    # ethereum/ERCs ERCS/erc-55.md, "Test Cases" (CC0-1.0).
    (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "eth",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "account",
    ),
    (
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "eth",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "account",
    ),
    (
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "eth",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "account",
    ),
    (
        "0xde709f2102306220921060314715629080e2fb77",
        "eth",
        "0xde709f2102306220921060314715629080e2fb77",
        "account",
    ),
    # tronprotocol/tronweb test/testcases/create2.json.gz, "address" fields (MIT).
    ("TYeJXEmbomUcf9HYTe4mdedu7xgFq6Sbtn", "trx", "TYeJXEmbomUcf9HYTe4mdedu7xgFq6Sbtn", "account"),
    ("TMLqM8rLg12cHs7SPqjExJBzEZiM4aSVnW", "trx", "TMLqM8rLg12cHs7SPqjExJBzEZiM4aSVnW", "account"),
    # malicialab/iocsearcher tests/blockchain_valid.ioc, "dogecoin" lines (MIT).
    ("DEgDVFa2DoW1533dxeDVdTxQFhMzs1pMke", "doge", "DEgDVFa2DoW1533dxeDVdTxQFhMzs1pMke", "p2pkh"),
    ("9xqCpm3DpUYSzcoQSPb5SEGDwn9NRqwZnH", "doge", "9xqCpm3DpUYSzcoQSPb5SEGDwn9NRqwZnH", "p2sh"),
    # monero-ecosystem/monero-python tests/address.py (AddressTestCase) and
    # tests/data/mainnet-subaddrs.json (BSD-3-Clause).
    (
        "43aeKax1ts4BoEbSyzKVbbDRmc8nsnpZLUpQBYvhUxs3KVrodnaFaBEQMDp69u4VaiEG3LSQXA6M61mXPrztCLuh7PFUAmd",
        "xmr",
        "43aeKax1ts4BoEbSyzKVbbDRmc8nsnpZLUpQBYvhUxs3KVrodnaFaBEQMDp69u4VaiEG3LSQXA6M61mXPrztCLuh7PFUAmd",
        "standard",
    ),
    (
        "4DHKLPmWW8aBoEbSyzKVbbDRmc8nsnpZLUpQBYvhUxs3KVrodnaFaBEQMDp69u4VaiEG3LSQXA6M61mXPrztCLuhAR6GpL18QNwE8h3TuF",
        "xmr",
        "4DHKLPmWW8aBoEbSyzKVbbDRmc8nsnpZLUpQBYvhUxs3KVrodnaFaBEQMDp69u4VaiEG3LSQXA6M61mXPrztCLuhAR6GpL18QNwE8h3TuF",
        "integrated",
    ),
    (
        "84LooD7i35SFppgf4tQ453Vi3q5WexSUXaVgut69ro8MFnmHwuezAArEZTZyLr9fS6QotjqkSAxSF6d1aDgsPoX849izJ7m",
        "xmr",
        "84LooD7i35SFppgf4tQ453Vi3q5WexSUXaVgut69ro8MFnmHwuezAArEZTZyLr9fS6QotjqkSAxSF6d1aDgsPoX849izJ7m",
        "subaddress",
    ),
]

# (string, why it must be rejected)
INVALID: list[tuple[str, str]] = [
    # bitcoin/bips bip-0350.mediawiki, "Test vectors for invalid ... segregated witness addresses".
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "v1 with Bech32 instead of Bech32m",
    ),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "v0 with Bech32m instead of Bech32"),
    ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "v0 program length 16"),
    ("bc1gmk9yu", "empty data section"),
    # bitcoin/bips bip-0173.mediawiki, invalid segwit addresses.
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "invalid checksum"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
        "mixed case (and testnet)",
    ),
    # Bitcoin Core base58_keys_valid.json: valid strings that are not mainnet wallets.
    ("mo9ncXisMeAoXwqcV5EWuyncbmCcQN4rVs", "testnet P2PKH"),
    ("5Kd3NBUAdUnhyzenEwVLy9pBKxSwXvE9FMPyR4UKZvpe6E3AgLr", "WIF private key, not an address"),
    # bitcoinjs/bs58check test/fixtures.json, "invalid".
    ("3HK7MezAm6qEZQUMPRf8jX7wDv6zig6Ky8", "invalid checksum"),
    # monero-ecosystem/monero-python tests/address.py (TestnetAddressTestCase).
    (
        "9u9j6xG1GNu4ghrdUL35m5PQcJV69YF8731DSTDoh7pDgkBWz2LWNzncq7M5s1ARjPRhvGPX4dBUeC3xNj4wzfrjV6SY3e9",
        "Monero testnet",
    ),
    # Tether USDT-TRC20 token contract: checksum-valid, but a contract (extraction.md 2.1).
    ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "USDT-TRC20 contract, excluded"),
]
