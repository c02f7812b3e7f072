#include "dialogs/filter_preview.h"

#include <libgimp/gimpui.h>

#include <cmath>
#include <utility>

#include "core/error.h"
#include "dialogs/i18n.h"
#include "dialogs/pixbuf.h"

namespace atelier::dialogs {
namespace {

constexpr guint kPauseMs = 400;  // a live preview starts after the values stayed unchanged this long
constexpr guint kPollMs = 100;

void show_picture(GtkWidget* image, const Image& picture) {
  GdkPixbuf* pixbuf = pixbuf_from_image(picture);
  if (!pixbuf) return;
  gtk_image_set_from_pixbuf(GTK_IMAGE(image), pixbuf);  // the image keeps its own reference
  g_object_unref(pixbuf);
}

}  // namespace

FilterPreview::FilterPreview(const Filter& filter, PreviewSource source, std::function<bool()> wait)
    : filter_(filter), source_(std::move(source)), wait_(std::move(wait)) {
  box_ = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget* box = box_;
  // No mnemonics here: the filters' own labels leave no letter free in every dialog.
  toggle_ = gtk_check_button_new_with_label(_("Preview"));
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(toggle_), TRUE);
  gtk_box_pack_start(GTK_BOX(box), toggle_, FALSE, FALSE, 0);
  image_ = gtk_image_new();
  gtk_widget_set_size_request(image_, kPreviewSide, kPreviewSide);
  show_picture(image_, source_.input);
  gtk_box_pack_start(GTK_BOX(box), image_, FALSE, FALSE, 0);
  status_ = gtk_label_new("");
  gtk_label_set_line_wrap(GTK_LABEL(status_), TRUE);
  gtk_label_set_max_width_chars(GTK_LABEL(status_), 40);
  gtk_label_set_xalign(GTK_LABEL(status_), 0.0);
  gtk_box_pack_start(GTK_BOX(box), status_, FALSE, FALSE, 0);
  update_ = gtk_button_new_with_label(_("Update Preview"));
  gtk_widget_set_tooltip_text(update_, _("A short run of the filter on a small copy of the layer"));
  gtk_box_pack_start(GTK_BOX(box), update_, FALSE, FALSE, 0);
  gtk_widget_show_all(box_);

  g_signal_connect(toggle_, "toggled", G_CALLBACK(+[](GtkToggleButton* toggle, gpointer self) {
                     auto* p = static_cast<FilterPreview*>(self);
                     if (gtk_toggle_button_get_active(toggle)) {
                       p->values_changed(p->values_.get());
                     } else {
                       if (p->run_) p->run_->cancel();
                       show_picture(p->image_, p->source_.input);
                       p->show_status("");
                     }
                   }),
                   this);
  g_signal_connect(update_, "clicked",
                   G_CALLBACK(+[](GtkButton*, gpointer self) { static_cast<FilterPreview*>(self)->start(); }), this);
}

FilterPreview::~FilterPreview() {
  if (debounce_) g_source_remove(debounce_);
  if (poll_) g_source_remove(poll_);
  run_.reset();  // cancels and waits for the current step
}

void FilterPreview::values_changed(const ParamValues* values) {
  if (values)
    values_ = std::make_unique<ParamValues>(*values);
  else
    values_.reset();
  if (!values_) {
    show_status(_("The preview waits for valid options."));
    return;
  }
  const bool live = filter_.preview(*values_).live;
  gtk_widget_set_visible(update_, !live);
  if (!gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(toggle_))) return;
  if (live) {
    schedule(kPauseMs);
  } else {
    if (run_) run_->cancel();
    show_picture(image_, source_.input);
    show_status(_("Update Preview shows a short run of the filter on this small copy."));
  }
}

void FilterPreview::schedule(guint delay_ms) {
  if (debounce_) g_source_remove(debounce_);
  debounce_ = g_timeout_add(
      delay_ms,
      +[](gpointer self) -> gboolean {
        auto* p = static_cast<FilterPreview*>(self);
        p->debounce_ = 0;
        p->start();
        return G_SOURCE_REMOVE;
      },
      this);
}

void FilterPreview::start() {
  if (!values_) return;
  if (wait_ && wait_()) {
    show_status(_("The preview starts when the speed measurement ends…"));
    schedule(kPollMs * 3);
    return;
  }
  if (run_) {  // one run at a time: the current one stops at its next step, then this starts again
    run_->cancel();
    rerun_ = true;
    return;
  }
  const PreviewPlan plan = filter_.preview(*values_);
  std::map<std::string, Image> files;
  try {
    files = source_.load_files(plan.values);
  } catch (const Error& e) {
    show_status(e.what());
    return;
  }
  run_prepares_.clear();
  if (!plan.prepares.empty() && source_.read_original) {
    try {
      if (!original_) original_ = std::make_shared<const Image>(source_.read_original());
    } catch (const Error& e) {
      show_status(e.what());
      return;
    }
    run_prepares_ = plan.prepares;
  }
  run_ = std::make_unique<FilterThread>(filter_, source_.input, plan.values, std::move(files), source_.canvas, 0,
                                        nullptr, run_prepares_.empty() ? nullptr : original_);
  show_status(_("Updating the preview…"));
  if (!poll_)
    poll_ = g_timeout_add(
        kPollMs,
        +[](gpointer self) -> gboolean {
          auto* p = static_cast<FilterPreview*>(self);
          if (p->poll()) return G_SOURCE_CONTINUE;
          p->poll_ = 0;
          return G_SOURCE_REMOVE;
        },
        this);
}

bool FilterPreview::poll() {
  if (!run_) return false;
  if (!run_->done()) {
    if (!rerun_) {
      const int percent = static_cast<int>(std::lround(run_->progress().first * 100));
      gchar* text = g_strdup_printf(_("Updating the preview… %d %%"), percent);
      show_status(text);
      g_free(text);
    }
    return true;
  }
  FilterOutcome outcome = run_->take_outcome();
  run_.reset();
  if (rerun_) {
    rerun_ = false;
    start();
    return run_ != nullptr;
  }
  if (outcome.status == FilterOutcome::Status::kOk) {
    show_picture(image_, outcome.image);
    show_status(_("A small copy; the result at full size shows finer detail."));
    if (!run_prepares_.empty() && prepared_.insert(run_prepares_).second && on_prepared_) on_prepared_();
  } else if (outcome.status != FilterOutcome::Status::kCancelled) {  // who cancelled said why
    show_status(outcome.message);
  }
  return false;
}

bool FilterPreview::prepared(const ParamValues& values) const {
  if (!filter_.preview) return false;
  const std::string prepares = filter_.preview(values).prepares;
  return !prepares.empty() && prepared_.count(prepares) > 0;
}

void FilterPreview::show_status(const std::string& text) {
  gtk_label_set_text(GTK_LABEL(status_), text.c_str());
}

}  // namespace atelier::dialogs
