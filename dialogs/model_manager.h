#pragma once
// Filters ▸ Neural ▸ Models…: the user's model library in a window: every known model (feature networks, instant
// styles, texture generators) with its kind, state, size, licence and source; Install (with progress and Cancel),
// Verify, Import… and Remove. Needs gimp_ui_init.
#include <string>

namespace atelier::dialogs {

// Shows the window until it is closed. select: the model to select at the start ("" = the first).
void run_model_manager(const std::string& select = "");

// After a run failed because `model` is not installed: shows `message` with a button that opens the model manager
// on that model. Returns whether the model is installed when the user is done (the run can then be repeated).
bool offer_model_manager(const std::string& message, const std::string& model);

}  // namespace atelier::dialogs
