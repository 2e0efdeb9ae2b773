// The upload's drop zone: files dropped on it go into the file picker, so the form sends them
// as if chosen; the names chosen are read out to screen readers.
(function () {
  var drop = document.getElementById("drop");
  var input = document.getElementById("files");
  var chosen = document.getElementById("chosen");
  if (!drop || !input) { return; }
  function show() {
    chosen.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
  }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
})();
