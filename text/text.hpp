// text.hpp: everything of text/ (the tokeniser and the scores) in one include.
#pragma once

#include "text/bleu.hpp"
#include "text/bpe.hpp"
#include "text/chrf.hpp"
#include "text/pretokenize.hpp"
#include "text/tokenize_13a.hpp"
#include "text/unicode.hpp"
#include "text/utf8.hpp"
