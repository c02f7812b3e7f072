// Test helper: moves the pointer to (x, y) and presses one key (or clicks, KEYSYM "click") there with XTest, like
// a user would. usage: xtest-key X Y KEYSYM|ctrl+KEYSYM|click   (e.g. 40 40 Escape, 300 300 ctrl+z); DISPLAY must
// be set.
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

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
  const bool ctrl = std::strncmp(argv[3], "ctrl+", 5) == 0;
  const char* key = ctrl ? argv[3] + 5 : argv[3];
  const KeySym sym = XStringToKeysym(key);
  const KeyCode code = sym == NoSymbol ? 0 : XKeysymToKeycode(display, sym);
  const KeyCode control = XKeysymToKeycode(display, XK_Control_L);
  if (!code || (ctrl && !control)) {
    std::fprintf(stderr, "xtest-key: unknown key %s\n", argv[3]);
    XCloseDisplay(display);
    return 1;
  }
  if (ctrl) XTestFakeKeyEvent(display, control, True, CurrentTime);
  XTestFakeKeyEvent(display, code, True, CurrentTime);
  XTestFakeKeyEvent(display, code, False, CurrentTime);
  if (ctrl) XTestFakeKeyEvent(display, control, False, CurrentTime);
  XSync(display, False);
  XCloseDisplay(display);
  return 0;
}
