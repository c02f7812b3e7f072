// Test helper: moves the pointer to (x, y) and presses one key (or clicks, KEYSYM "click") there with XTest, like
// a user would. usage: xtest-key X Y KEYSYM|click   (e.g. 40 40 Escape); DISPLAY must be set.
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s X Y KEYSYM\n", argv[0]);
    return 2;
  }
  Display* display = XOpenDisplay(nullptr);
  if (!display) {
    std::fprintf(stderr, "xtest-key: cannot open display\n");
    return 1;
  }
  const bool click = std::strcmp(argv[3], "click") == 0;
  XTestFakeMotionEvent(display, -1, std::atoi(argv[1]), std::atoi(argv[2]), CurrentTime);
  XSync(display, False);
  if (click) {
    XTestFakeButtonEvent(display, 1, True, CurrentTime);
    XTestFakeButtonEvent(display, 1, False, CurrentTime);
    XSync(display, False);
    XCloseDisplay(display);
    return 0;
  }
  const KeySym sym = XStringToKeysym(argv[3]);
  const KeyCode code = sym == NoSymbol ? 0 : XKeysymToKeycode(display, sym);
  if (!code) {
    std::fprintf(stderr, "xtest-key: unknown key %s\n", argv[3]);
    XCloseDisplay(display);
    return 1;
  }
  XTestFakeKeyEvent(display, code, True, CurrentTime);
  XTestFakeKeyEvent(display, code, False, CurrentTime);
  XSync(display, False);
  XCloseDisplay(display);
  return 0;
}
