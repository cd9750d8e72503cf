// optim.hpp: everything in optim/ with one include: Adam, AdamW, the schedules, gradient clipping.
#pragma once

#include "optim/adam.hpp"
#include "optim/adamw.hpp"
#include "optim/checkpoint.hpp"
#include "optim/clip.hpp"
#include "optim/optimizer.hpp"
#include "optim/schedule.hpp"
