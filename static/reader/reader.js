// The reading site's one script (progressive enhancement: every page works without it).
// - after htmx swaps a new scene in, focus moves to its text, as a full page load does with autofocus;
// - the music's volume and mute are remembered in localStorage and applied to each scene's music.
(function () {
  "use strict";
  var KEY = "reader.music";

  function stored() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY)) || {};
    } catch (error) {
      return {};
    }
  }

  function remember(settings) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(settings));
    } catch (error) {
      // Storage refused (private mode, quota): the controls still work for this page.
    }
  }

  function showMute(button, muted) {
    button.setAttribute("aria-pressed", muted ? "true" : "false");
    button.textContent = muted ? button.dataset.unmuteLabel : button.dataset.muteLabel;
  }

  function setUpMusic(root) {
    root.querySelectorAll(".music").forEach(function (box) {
      var audio = box.querySelector("audio[data-music]");
      var controls = box.querySelector("[data-music-controls]");
      if (!audio || !controls) {
        return;
      }
      var volume = controls.querySelector("[data-music-volume]");
      var mute = controls.querySelector("[data-music-mute]");
      var settings = stored();
      mute.dataset.muteLabel = mute.dataset.muteLabel || mute.textContent;
      mute.dataset.unmuteLabel = mute.dataset.unmuteLabel || controls.dataset.unmuteLabel || mute.textContent;
      if (typeof settings.volume === "number") {
        audio.volume = Math.min(Math.max(settings.volume, 0), 1);
      }
      audio.muted = settings.muted === true;
      volume.value = String(Math.round(audio.volume * 100));
      showMute(mute, audio.muted);
      controls.hidden = false;
      volume.addEventListener("input", function () {
        audio.volume = Number(volume.value) / 100;
        remember({ volume: audio.volume, muted: audio.muted });
      });
      mute.addEventListener("click", function () {
        audio.muted = !audio.muted;
        showMute(mute, audio.muted);
        remember({ volume: audio.volume, muted: audio.muted });
      });
    });
  }

  function focusScene() {
    var text = document.getElementById("scene-text");
    if (text) {
      text.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMusic(document);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.target && event.detail.target.id === "scene") {
        setUpMusic(document.getElementById("scene") || document);
        focusScene();
      }
    });
  });
})();
