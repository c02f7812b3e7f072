#include "plugin/run.h"

#include <libgimp/gimpui.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/error.h"
#include "dialogs/filter_dialog.h"
#include "dialogs/model_manager.h"
#include "plugin/arguments.h"
#include "plugin/file_images.h"
#include "plugin/i18n.h"
#include "plugin/job.h"
#include "plugin/layer_frames.h"
#include "plugin/pixels.h"
#include "plugin/procedure_support.h"

namespace atelier::plugin {
namespace {

std::string layer_name(const Filter& filter, const ParamValues& values) {
  for (const ParamSpec& s : filter.params)
    if (s.role == ParamRole::kLayerName && !values.get_text(s.name).empty()) return values.get_text(s.name);
  return tr(filter.title);
}

// The result goes into a new layer directly above the source (same parent, so layer groups work), placed at the
// processed region, limited by a mask made from the selection; a new picture (Filter::result_size) is placed at
// the canvas origin instead, whole. Everything is one undo step.
void add_result_layer(GimpImage* image, GimpLayer* source, const Region& region, const Image& result,
                      const std::string& name, bool new_picture) {
  gint ox = 0, oy = 0;
  gimp_drawable_get_offsets(GIMP_DRAWABLE(source), &ox, &oy);
  const bool gray = gimp_drawable_is_gray(GIMP_DRAWABLE(source));

  gimp_image_undo_group_start(image);
  GimpLayer* layer = gimp_layer_new(image, name.c_str(), result.width, result.height,
                                    gray ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE, 100.0, GIMP_LAYER_MODE_NORMAL);
  GimpLayer* parent = GIMP_LAYER(gimp_item_get_parent(GIMP_ITEM(source)));  // nullptr at top level
  gimp_image_insert_layer(image, layer, parent, gimp_image_get_item_position(image, GIMP_ITEM(source)));
  if (new_picture)
    gimp_layer_set_offsets(layer, 0, 0);
  else
    gimp_layer_set_offsets(layer, ox + region.x, oy + region.y);
  write_image(GIMP_DRAWABLE(layer), result);
  if (!new_picture && !gimp_selection_is_empty(image)) {
    GimpLayerMask* mask = gimp_layer_create_mask(layer, GIMP_ADD_MASK_SELECTION);
    gimp_layer_add_mask(layer, mask);
    gimp_layer_set_edit_mask(layer, FALSE);
  }
  gimp_drawable_update(GIMP_DRAWABLE(layer), 0, 0, result.width, result.height);
  gimp_image_undo_group_end(image);
}

// Whether the run gets our progress window (Cancel, Stop and Keep): interactive and with-last-vals runs (those come
// from the GUI too) when there is a display; initialises GIMP's UI for it.
bool progress_window_possible(GimpRunMode run_mode) {
  if (run_mode == GIMP_RUN_NONINTERACTIVE || !gtk_init_check(nullptr, nullptr)) return false;
  gimp_ui_init(GETTEXT_PACKAGE);
  return true;
}

// A filter over an animation (Filter::run_frames): the image's layers are the frames, the results a new image
// with a layer per frame, shown when the run is interactive; the image itself is not changed. The dialog
// previews the selected layer (else the first frame).
GimpValueArray* run_frames_checked(GimpProcedure* procedure, GimpRunMode run_mode, GimpImage* image,
                                   GimpDrawable** drawables, GimpProcedureConfig* config, const Filter& filter) {
  if (gimp_image_get_base_type(image) == GIMP_INDEXED)
    return failure(procedure, GIMP_PDB_EXECUTION_ERROR,
                   _("Indexed images are not supported; convert it with Image ▸ Mode ▸ RGB (or Grayscale) first."));
  std::unique_ptr<LayerFrames> frames;
  try {
    frames = std::make_unique<LayerFrames>(image);
  } catch (const Error& e) {
    return failure(procedure, GIMP_PDB_CALLING_ERROR, e.what());
  }
  const int width = gimp_image_get_width(image), height = gimp_image_get_height(image);
  if (run_mode == GIMP_RUN_INTERACTIVE) {
    if (!gtk_init_check(nullptr, nullptr))
      return failure(procedure, GIMP_PDB_CALLING_ERROR,
                     _("RUN-INTERACTIVE needs a display; call it with RUN-NONINTERACTIVE from scripts."));
    const gint n = gimp_core_object_array_get_length(reinterpret_cast<GObject**>(drawables));
    GimpDrawable* shown = n == 1 && GIMP_IS_LAYER(drawables[0]) && !GIMP_IS_LAYER_MASK(drawables[0])
                              ? drawables[0]
                              : GIMP_DRAWABLE(frames->first_frame());
    const Region whole{0, 0, gimp_drawable_get_width(shown), gimp_drawable_get_height(shown)};
    dialogs::PreviewSource preview;
    if (filter.preview) {
      preview.input = read_region_scaled(shown, whole, kPreviewSide);
      preview.canvas = {preview.input.width, preview.input.height};
      preview.load_files = [&filter](const ParamValues& v) { return load_parameter_files(filter, v); };
    }
    if (!dialogs::run_filter_dialog(procedure, config, shown, width, height, filter, help_dir(),
                                    filter.preview ? &preview : nullptr, frames->count()))
      return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, nullptr);
  }
  ParamValues values(filter.params);
  std::map<std::string, Image> files;
  try {
    values = read_values(config, filter);
    files = load_parameter_files(filter, values);
  } catch (const Error& e) {
    return failure(procedure, GIMP_PDB_CALLING_ERROR, e.what());
  }
  const FilterOutcome job = run_job(filter, Image(), values, std::move(files), progress_window_possible(run_mode),
                                    width, height, frames.get());
  switch (job.status) {
    case FilterOutcome::Status::kCancelled:
      return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, nullptr);
    case FilterOutcome::Status::kOutOfMemory:
    case FilterOutcome::Status::kFailed: return failure(procedure, GIMP_PDB_EXECUTION_ERROR, job.message);
    case FilterOutcome::Status::kOk: break;
  }
  GimpImage* result = frames->release();
  if (!result) return failure(procedure, GIMP_PDB_EXECUTION_ERROR, _("No frame was stylised."));
  if (run_mode != GIMP_RUN_NONINTERACTIVE) {
    gimp_display_new(result);
    gimp_displays_flush();
  }
  GimpValueArray* values_out = gimp_procedure_new_return_values(procedure, GIMP_PDB_SUCCESS, nullptr);
  GIMP_VALUES_SET_IMAGE(values_out, 1, result);
  return values_out;
}

GimpValueArray* run_checked(GimpProcedure* procedure, GimpRunMode run_mode, GimpImage* image, GimpDrawable** drawables,
                            GimpProcedureConfig* config, const Filter& filter) {
  if (filter.run_frames) return run_frames_checked(procedure, run_mode, image, drawables, config, filter);
  const gint n = gimp_core_object_array_get_length(reinterpret_cast<GObject**>(drawables));
  if (n != 1)
    return failure(procedure, GIMP_PDB_CALLING_ERROR,
                   std::string(_("Select exactly one layer; this filter works on one layer at a time.")));
  GimpDrawable* drawable = drawables[0];
  if (!GIMP_IS_LAYER(drawable) || GIMP_IS_LAYER_MASK(drawable))
    return failure(procedure, GIMP_PDB_CALLING_ERROR,
                   _("The selected item is not a layer. Select a layer (not a channel or a mask) in the Layers dock."));
  if (gimp_item_get_image(GIMP_ITEM(drawable)) != image)
    return failure(procedure, GIMP_PDB_CALLING_ERROR,
                   _("The layer belongs to another image than the one given; pass a layer of that image."));
  if (gimp_image_get_base_type(image) == GIMP_INDEXED)
    return failure(procedure, GIMP_PDB_EXECUTION_ERROR,
                   _("Indexed images are not supported; convert it with Image ▸ Mode ▸ RGB (or Grayscale) first."));
  Region region;
  if (!gimp_drawable_mask_intersect(drawable, &region.x, &region.y, &region.width, &region.height))
    return failure(procedure, GIMP_PDB_EXECUTION_ERROR,
                   _("The selection does not overlap the layer. Select an area inside the layer, or use "
                     "Select ▸ None to process the whole layer."));

  if (run_mode == GIMP_RUN_INTERACTIVE) {
    if (!gtk_init_check(nullptr, nullptr))
      return failure(procedure, GIMP_PDB_CALLING_ERROR,
                     _("RUN-INTERACTIVE needs a display; call it with RUN-NONINTERACTIVE from scripts."));
    dialogs::PreviewSource preview;
    if (filter.preview) {
      preview.input = read_region_scaled(drawable, region, kPreviewSide);
      const double scale = static_cast<double>(preview.input.width) / region.width;
      preview.canvas = {std::max(1, static_cast<int>(std::lround(gimp_image_get_width(image) * scale))),
                        std::max(1, static_cast<int>(std::lround(gimp_image_get_height(image) * scale)))};
      preview.load_files = [&filter, drawable, region](const ParamValues& v) {
        const InputArea shown{drawable, region, kPreviewSide};
        return load_parameter_files(filter, v, &shown);
      };
      preview.read_original = [drawable, region] { return read_region(drawable, region); };
    }
    if (!dialogs::run_filter_dialog(procedure, config, drawable, region.width, region.height, filter, help_dir(),
                                    filter.preview ? &preview : nullptr))
      return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, nullptr);
  }
  ParamValues values(filter.params);
  try {
    values = read_values(config, filter);
  } catch (const Error& e) {
    return failure(procedure, GIMP_PDB_CALLING_ERROR, e.what());
  }

  const bool ui = progress_window_possible(run_mode);
  // No layer and no undo group exist while the engine runs: the status-bar Cancel kills this process.
  FilterOutcome job;
  while (true) {
    std::map<std::string, Image> files;
    try {
      const InputArea area{drawable, region, 0};
      files = load_parameter_files(filter, values, &area);
    } catch (const Error& e) {
      return failure(procedure, GIMP_PDB_EXECUTION_ERROR, e.what());
    }
    Image input = read_region(drawable, region);
    job = run_job(filter, std::move(input), values, std::move(files), ui, gimp_image_get_width(image),
                  gimp_image_get_height(image));
    if (!ui || job.status != FilterOutcome::Status::kFailed || job.missing_model.empty()) break;
    // A model is missing: offer the model manager, and run again once it is installed. (The user has seen the
    // message, so a declined offer ends the run without GIMP repeating it.)
    if (!dialogs::offer_model_manager(job.message, job.missing_model))
      return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, nullptr);
  }
  switch (job.status) {
    case FilterOutcome::Status::kCancelled:
      return gimp_procedure_new_return_values(procedure, GIMP_PDB_CANCEL, nullptr);
    case FilterOutcome::Status::kOutOfMemory:  // the message says what to try (run_filter)
    case FilterOutcome::Status::kFailed: return failure(procedure, GIMP_PDB_EXECUTION_ERROR, job.message);
    case FilterOutcome::Status::kOk: break;
  }
  add_result_layer(image, GIMP_LAYER(drawable), region, job.image, layer_name(filter, values),
                   static_cast<bool>(filter.result_size));
  if (run_mode != GIMP_RUN_NONINTERACTIVE) gimp_displays_flush();
  return gimp_procedure_new_return_values(procedure, GIMP_PDB_SUCCESS, nullptr);
}

}  // namespace

GimpValueArray* run_filter(GimpProcedure* procedure, GimpRunMode run_mode, GimpImage* image, GimpDrawable** drawables,
                           GimpProcedureConfig* config, gpointer run_data) {
  // No exception may escape into GLib.
  try {
    return run_checked(procedure, run_mode, image, drawables, config, *static_cast<const Filter*>(run_data));
  } catch (const std::exception& e) {
    return failure(procedure, GIMP_PDB_EXECUTION_ERROR, user_message(e));
  } catch (...) {
    return failure(procedure, GIMP_PDB_EXECUTION_ERROR, "internal error (unknown exception)");
  }
}

}  // namespace atelier::plugin
