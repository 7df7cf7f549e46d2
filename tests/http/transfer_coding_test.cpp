#include "http/transfer_coding.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>
#include <vector>

using webvox::http::classify_transfer_coding;
using webvox::http::TransferCoding;

namespace {

TransferCoding classify(std::initializer_list<std::string_view> values) {
  const std::vector<std::string_view> fields(values);
  return classify_transfer_coding(fields);
}

}  // namespace

TEST(TransferCoding, NoFieldMeansContentLengthFraming) {
  EXPECT_EQ(classify({}), TransferCoding::kAbsent);
}

TEST(TransferCoding, ChunkedInAnyCaseAndSpacingPossiblyAfterIdentity) {
  for (const auto value : {"chunked", "Chunked", " CHUNKED ", "identity, chunked",
                           "identity,chunked", ",chunked,", "chunked\t"}) {
    EXPECT_EQ(classify({value}), TransferCoding::kChunked) << value;
  }
  EXPECT_EQ(classify({"identity", "chunked"}), TransferCoding::kChunked);  // two fields
}

TEST(TransferCoding, CodingsThisServerDoesNotImplementAre501) {
  for (const auto value : {"xchunked", "gzip", "gzip, chunked", "chunked;foo=bar", "deflate",
                           "chunkedx", "identity, gzip"}) {
    EXPECT_EQ(classify({value}), TransferCoding::kUnsupported) << value;
  }
  EXPECT_EQ(classify({"gzip", "chunked"}), TransferCoding::kUnsupported);
}

TEST(TransferCoding, ChunkedNotLastOrTwiceOrNoCodingAtAllIs400) {
  for (const auto value : {"chunked, identity", "chunked, chunked", "identity", "", " , ",
                           "chun ked", "chunked\r", "\"chunked\"", "chunked, ;"}) {
    EXPECT_EQ(classify({value}), TransferCoding::kMalformed) << value;
  }
  EXPECT_EQ(classify({"chunked", "chunked"}), TransferCoding::kMalformed);
  EXPECT_EQ(classify({"chunked", "identity"}), TransferCoding::kMalformed);
}
