#include "plugin/layer_frames.h"

#include <exception>
#include <utility>

#include "core/error.h"
#include "plugin/i18n.h"
#include "plugin/pixels.h"

namespace atelier::plugin {

LayerFrames::LayerFrames(GimpImage* image)
    : image_(image), width_(gimp_image_get_width(image)), height_(gimp_image_get_height(image)) {
  GimpLayer** layers = gimp_image_get_layers(image);
  for (GimpLayer** l = layers; l && *l; ++l) layers_.insert(layers_.begin(), *l);  // GIMP lists the top one first
  g_free(layers);
  if (layers_.size() < 2)
    throw Error(
        _("This filter stylises an animation: one layer per frame, the bottom layer first. The image has "
          "only one layer; open or build an animation (File ▸ Open as Layers), or use Stylize for one "
          "picture."));
}

LayerFrames::~LayerFrames() {
  if (result_) gimp_image_delete(result_);
}

void LayerFrames::wait_for(Request request, Image* frame) {
  std::unique_lock<std::mutex> lock(mutex_);
  request.pending = true;
  request_ = std::move(request);
  changed_.wait(lock, [this] { return !request_.pending; });
  if (!request_.error.empty()) throw Error(request_.error);
  if (frame) *frame = std::move(request_.frame);
}

Image LayerFrames::frame(int index) {
  Request r;
  r.index = index;
  Image out;
  wait_for(std::move(r), &out);
  return out;
}

void LayerFrames::put(int index, const Image& result) {
  Request r;
  r.put = true;
  r.index = index;
  r.result = &result;
  wait_for(std::move(r), nullptr);
}

void LayerFrames::do_put(int index, const Image& result) {
  const bool gray = gimp_image_get_base_type(image_) == GIMP_GRAY;
  if (!result_) {
    result_ =
        gimp_image_new_with_precision(width_, height_, gray ? GIMP_GRAY : GIMP_RGB, gimp_image_get_precision(image_));
    gimp_image_undo_disable(result_);  // built here; its history starts when it is shown
  }
  GimpLayer* source = layers_[static_cast<size_t>(index)];
  gchar* name = gimp_item_get_name(GIMP_ITEM(source));
  GimpLayer* layer = gimp_layer_new(result_, name, width_, height_, gray ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE, 100.0,
                                    GIMP_LAYER_MODE_NORMAL);
  g_free(name);
  gimp_image_insert_layer(result_, layer, nullptr, 0);  // on top: the frames come bottom first
  write_image(GIMP_DRAWABLE(layer), result);
}

void LayerFrames::serve() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!request_.pending) return;
  try {
    if (request_.put) {
      do_put(request_.index, *request_.result);
    } else {
      gint ox = 0, oy = 0;
      GimpLayer* layer = layers_[static_cast<size_t>(request_.index)];
      gimp_drawable_get_offsets(GIMP_DRAWABLE(layer), &ox, &oy);
      // The canvas seen through the layer: transparent where the layer does not reach.
      request_.frame = read_region(GIMP_DRAWABLE(layer), {-ox, -oy, width_, height_});
    }
  } catch (const std::exception& e) {
    request_.error = e.what();
  }
  request_.pending = false;
  changed_.notify_all();
}

GimpImage* LayerFrames::release() {
  GimpImage* out = std::exchange(result_, nullptr);
  if (out) gimp_image_undo_enable(out);
  return out;
}

}  // namespace atelier::plugin
